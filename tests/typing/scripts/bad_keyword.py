"""A misspelt keyword argument."""

from mistral_core import Mistral

client = Mistral()
messages = [{"role": "user", "content": "Hello"}]
# expect-mypy: Unexpected keyword argument "temprature" for "complete" of "Chat"; did you mean
# expect-pyright: No parameter named "temprature"
client.chat.complete(model="mistral-small-latest", messages=messages, temprature=0.2)
