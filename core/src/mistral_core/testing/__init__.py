"""Testing your code that uses this client, without the network.

``samples`` makes valid JSON for any model. (More to come: a pytest fixture that fakes
the API, and a local fake server.)
"""
