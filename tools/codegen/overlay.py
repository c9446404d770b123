"""Where the API is stricter than its spec says: corrections the generator applies.

Each entry says why. An entry here changes the generated types for every user, so it
needs evidence (the API's behaviour, its documentation), not convenience.
"""

from __future__ import annotations

ALWAYS_SENT: dict[tuple[str, str], str] = {
    ("ChatCompletionChoice", "message"): (
        "Every choice of a chat, FIM or agents completion carries its message (the spec's "
        "own examples and the official SDK's README read choices[0].message.content without "
        "a check); optional in the spec only because streamed choices share the schema's "
        "history. Typed required, `res.choices[0].message.content` type-checks."
    ),
    **{
        (model, "data"): (
            "The items of a list answer: the API writes the list even when it is empty (the "
            "spec gives it a server default of [] or none at all), and every example reads "
            "res.data directly."
        )
        for model in ("ListBatchJobsResponse", "JobsOut", "ModelList")
    },
    ("EmbeddingResponse", "data"): "An embedding answer always holds one item per input.",
    ("EmbeddingResponseData", "embedding"): (
        "Each item of an embedding answer is the vector of its input: there is nothing else "
        "it could carry."
    ),
    **{
        ("ModerationObject", field): (
            "A moderation result always scores every category: it is what was asked for."
        )
        for field in ("categories", "category_scores")
    },
}
"""(model, JSON field) -> why the field is required when reading, though the spec makes it
optional. A response without it fails to read with a ResponseValidationError naming it."""
