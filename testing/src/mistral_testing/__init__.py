"""Testing code that uses this client, without the network.

* ``mistral_mock``, a pytest fixture (this distribution's ``pytest11`` plugin, with
  ``pip install mistral-testing``): queue answers, check what was sent. Outside
  pytest, ``with MistralMock() as mock:`` (``mistral_testing.pytest_plugin``).
* ``server``, a local fake API (standard library only) answering every installed
  operation: ``python -m mistral_testing.server --port 8765``, or
  ``with FakeServer() as server: Mistral(api_key="x", server_url=server.url)``.
* ``samples``, valid JSON for any model, the answers of both.
"""
