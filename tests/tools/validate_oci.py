#!/usr/bin/python3
"""Validates an OCI runtime-spec config.json against the runtime-spec JSON schema.

    validate_oci.py [--schema-dir DIR] [FILE|-]

Exit status: 0 valid; 1 invalid (every error printed with its JSON path); 2 usage or
setup error (no jsonschema module, no schema, unreadable or malformed input).

The schema comes from Debian's golang-github-opencontainers-specs-dev
(/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema); its files
$ref each other by relative name ("defs.json#/..."), so references are resolved
against a file:// base in that directory. Works with jsonschema 4.10 (Debian 12,
RefResolver) and with newer releases (the `referencing` registry).
"""

import argparse
import json
import pathlib
import sys

DEFAULT_SCHEMA_DIR = "/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema"


def setup_error(message):
    print(f"validate_oci: {message}", file=sys.stderr)
    sys.exit(2)


def load_json(path, what):
    try:
        if path == "-":
            return json.load(sys.stdin)
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        setup_error(f"cannot read {what} {path}: {e}")


def make_validator(schema_dir):
    try:
        import jsonschema
    except ImportError:
        setup_error("the jsonschema module is missing (apt-get install python3-jsonschema)")
    main = schema_dir / "config-schema.json"
    if not main.is_file():
        setup_error(f"no schema at {main} (apt-get install golang-github-opencontainers-specs-dev)")
    schema = load_json(str(main), "schema")
    base_uri = main.resolve().as_uri()
    cls = jsonschema.validators.validator_for(schema)
    try:
        import referencing
        import referencing.jsonschema
    except ImportError:
        referencing = None
    if referencing is not None:
        # Newer jsonschema: a registry that reads sibling schema files on demand.
        def retrieve(uri):
            if not uri.startswith("file://"):
                raise referencing.exceptions.NoSuchResource(ref=uri)
            path = pathlib.Path(uri[len("file://"):])
            contents = load_json(str(path), "schema")
            return referencing.Resource.from_contents(contents, default_specification=referencing.jsonschema.DRAFT4)

        registry = referencing.Registry(retrieve=retrieve)
        # The base URI the relative $refs resolve against ("id" in draft 4, "$id" later).
        schema = dict(schema)
        schema["id" if "draft-04" in schema.get("$schema", "") else "$id"] = base_uri
        return cls(schema, registry=registry)
    resolver = jsonschema.RefResolver(base_uri=base_uri, referrer=schema)
    return cls(schema, resolver=resolver)


def json_path(error):
    path = "$"
    for p in error.absolute_path:
        path += f"[{p}]" if isinstance(p, int) else f".{p}"
    return path


def main():
    ap = argparse.ArgumentParser(description="Validate an OCI runtime-spec config.json.")
    ap.add_argument("file", nargs="?", default="-", help="config.json, or - for stdin (default)")
    ap.add_argument("--schema-dir", default=DEFAULT_SCHEMA_DIR, type=pathlib.Path)
    args = ap.parse_args()

    validator = make_validator(args.schema_dir)
    document = load_json(args.file, "config")
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        print(f"{args.file}: valid OCI runtime-spec config")
        return 0
    for e in errors:
        print(f"{args.file}: {json_path(e)}: {e.message}", file=sys.stderr)
        for sub in sorted(e.context or [], key=lambda s: list(map(str, s.absolute_path))):
            print(f"    {json_path(sub)}: {sub.message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
