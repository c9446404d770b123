"""A misspelt group."""

from mistral_core import Mistral

client = Mistral()
messages = [{"role": "user", "content": "Hello"}]
# expect-mypy: "Mistral" has no attribute "chatt"
# expect-pyright: Cannot access attribute "chatt" for class "Mistral"
client.chatt.complete(model="mistral-small-latest", messages=messages)
