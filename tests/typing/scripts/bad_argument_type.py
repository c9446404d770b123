"""A wrong argument type."""

from mistral_core import Mistral

client = Mistral()
messages = [{"role": "user", "content": "Hello"}]
# expect-mypy: Argument "temperature" to "complete" of "Chat" has incompatible type "str"
# expect-pyright: Argument of type "Literal['hot']" cannot be assigned to parameter "temperature"
client.chat.complete(model="mistral-small-latest", messages=messages, temperature="hot")
# expect-mypy: List item 0 has incompatible type "int"
# expect-pyright: Argument of type "list[int]" cannot be assigned to parameter "tools"
client.chat.complete(model="mistral-small-latest", messages=messages, tools=[42])
