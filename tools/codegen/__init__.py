"""The code generator: resource plugins and their models, from the API's OpenAPI spec.

    python -m tools.codegen            # write the generated files into the repository
    python -m tools.codegen --check    # exit 1 if they differ from what the spec gives

``spec`` reads the spec files, ``groups`` says which operations each plugin exposes and
under which method names, ``schemas`` turns JSON Schema into model definitions,
``layout`` decides which module each definition lives in, and ``render_models`` /
``render_resource`` / ``render_package`` write the Python source.
"""
