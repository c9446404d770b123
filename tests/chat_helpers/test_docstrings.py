"""The description of a function and of each parameter, from its docstring in each style."""

from __future__ import annotations

import pytest

from mistral_plugin_chat._docstrings import Docstring, parse_docstring

GOOGLE = """Book a table.

    Finds a free table and holds it.

    Args:
        restaurant (str): The restaurant's name,
            as the guide spells it.
        guests: How many people: two by default.
        *extras: Ignored.

    Returns:
        The booking's number.
    """

NUMPY = """Book a table.

    Finds a free table and holds it.

    Parameters
    ----------
    restaurant : str
        The restaurant's name,
        as the guide spells it.
    guests : int, optional
        How many people: two by default.
    extras
        Ignored.

    Returns
    -------
    int
        The booking's number.
    """

REST = """Book a table.

    Finds a free table and holds it.

    :param str restaurant: The restaurant's name,
        as the guide spells it.
    :param guests: How many people: two by default.
    :param extras: Ignored.
    :returns: The booking's number.
    :rtype: int
    """

EXPECTED = Docstring(
    "Book a table.\n\nFinds a free table and holds it.",
    {
        "restaurant": "The restaurant's name, as the guide spells it.",
        "guests": "How many people: two by default.",
        "extras": "Ignored.",
    },
)


@pytest.mark.parametrize("doc", [GOOGLE, NUMPY, REST], ids=["google", "numpy", "rest"])
def test_each_style_gives_the_description_and_each_parameter(doc: str) -> None:
    assert parse_docstring(doc) == EXPECTED


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (None, Docstring("", {})),
        ("Just a line.", Docstring("Just a line.", {})),
        ("Say it.\n\nReturns:\n    words.", Docstring("Say it.", {})),
        ("Note: prose with a colon.\n", Docstring("Note: prose with a colon.", {})),
    ],
)
def test_docstrings_without_parameters(doc: str | None, expected: Docstring) -> None:
    assert parse_docstring(doc) == expected
