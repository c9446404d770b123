"""A misspelt group in a namespace, and one below another group."""

from mistral_core import Mistral

client = Mistral()
# expect-mypy: "Beta" has no attribute "conversation"; maybe "conversations"?
# expect-pyright: Cannot access attribute "conversation" for class "Beta"
client.beta.conversation.start(inputs="Hello")
# expect-mypy: "Libraries" has no attribute "document"; maybe "documents"?
# expect-pyright: Cannot access attribute "document" for class "Libraries"
client.beta.libraries.document.list(library_id="lib")
