"""Groups below namespaces and below other groups: each has its class, embeddings too."""

from __future__ import annotations

from typing_extensions import assert_type

from mistral_core import Mistral
from mistral_plugin_conversations import Conversations
from mistral_plugin_conversations.models import ConversationResponse
from mistral_plugin_embeddings.models import EmbeddingResponse
from mistral_plugin_libraries import Documents
from mistral_plugin_workflows import Events


def groups() -> None:
    client = Mistral()
    assert_type(client.beta.conversations, Conversations)
    res = client.beta.conversations.start(inputs="Who is the best French painter?")
    assert_type(res, ConversationResponse)
    print(res.conversation_id, len(res.outputs))
    assert_type(client.beta.libraries.documents, Documents)
    assert_type(client.workflows.events, Events)
    assert_type(client.events, Events)

    embeddings = client.embeddings.create(model="mistral-embed", inputs=["a", "b"])
    assert_type(embeddings, EmbeddingResponse)
    vector: list[float] = embeddings.data[0].embedding  # always sent (the generator's overlay)
    print(len(vector))
