"""A misspelt keyword argument."""

from typing_extensions import TypedDict

from mistral_core import Mistral

client = Mistral()
messages = [{"role": "user", "content": "Hello"}]
# expect-mypy: Unexpected keyword argument "temprature" for "complete" of "Chat"; did you mean
# expect-pyright: No parameter named "temprature"
client.chat.complete(model="mistral-small-latest", messages=messages, temprature=0.2)


class City(TypedDict):
    name: str


# An agent is named by its id, not by a model: agents.parse takes the agents' arguments.
# expect-mypy: Unexpected keyword argument "model" for "parse" of "AgentsParsing"
# expect-pyright: Argument missing for parameter "agent_id"
client.agents.parse(City, model="mistral-small-latest", messages=messages)
