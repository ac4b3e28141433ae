#!/usr/bin/python3
"""Validates OCI documents that sbx writes against the runtime-spec JSON schemas.

    oci_schema.py config   FILE|-   a config.json (`sbx export`, `sbx export --bundle`)
    oci_schema.py seccomp  FILE|-   a seccomp profile (`sbx export --seccomp-json`): the
                                    runtime-spec's linux.seccomp object, which is also what
                                    Docker and a Kubernetes Localhost profile read
    oci_schema.py features FILE|-   a features document (`sbx features`, `runc features`)

The schemas come from Debian's golang-github-opencontainers-specs-dev
(/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema, or --schema-dir).
That package (1.0.2.118) ships no features schema (no schema/features-schema.json, no
specs-go/features): the one below transcribes runtime-spec v1.1.0's
schema/features-schema.json and features-linux.json (the Go types in
specs-go/features/features.go), with its enums taken from the package's defs-linux.json,
and is stricter on one point: unknown properties are refused in the objects it defines.
It is checked against `runc features` by the tests, so a transcription error shows.

Exit status: 0 valid; 1 invalid (each error with its JSON path); 2 usage or setup error.
"""

import argparse
import json
import pathlib
import sys
import warnings

DEFAULT_SCHEMA_DIR = "/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema"


def _bool_object(**extra):
    props = {"enabled": {"type": "boolean"}}
    props.update(extra)
    return {"type": "object", "properties": props, "additionalProperties": False}


def _array_of(ref):
    return {"type": "array", "items": {"$ref": ref}}


FEATURES_SCHEMA = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "description": "Open Container Initiative Runtime Specification Runtime Features Schema (v1.1.0)",
    "type": "object",
    "properties": {
        "ociVersionMin": {"$ref": "defs.json#/definitions/ociVersion"},
        "ociVersionMax": {"$ref": "defs.json#/definitions/ociVersion"},
        "hooks": {"$ref": "defs.json#/definitions/ArrayOfStrings"},
        "mountOptions": {"$ref": "defs.json#/definitions/ArrayOfStrings"},
        "annotations": {"$ref": "defs.json#/definitions/annotations"},
        "potentiallyUnsafeConfigAnnotations": {"$ref": "defs.json#/definitions/ArrayOfStrings"},
        "linux": {
            "type": "object",
            "properties": {
                "namespaces": _array_of("defs-linux.json#/definitions/NamespaceType"),
                "capabilities": {"type": "array", "items": {"type": "string", "pattern": "^CAP_[A-Z_]+$"}},
                "cgroup": {
                    "type": "object",
                    "properties": {k: {"type": "boolean"} for k in ("v1", "v2", "systemd", "systemdUser", "rdma")},
                    "additionalProperties": False,
                },
                "seccomp": {
                    "type": "object",
                    "properties": {
                        "enabled": {"type": "boolean"},
                        "actions": _array_of("defs-linux.json#/definitions/SeccompAction"),
                        "operators": _array_of("defs-linux.json#/definitions/SeccompOperators"),
                        "archs": _array_of("defs-linux.json#/definitions/SeccompArch"),
                        "knownFlags": _array_of("defs-linux.json#/definitions/SeccompFlag"),
                        "supportedFlags": _array_of("defs-linux.json#/definitions/SeccompFlag"),
                    },
                    "additionalProperties": False,
                },
                "apparmor": _bool_object(),
                "selinux": _bool_object(),
                "intelRdt": _bool_object(),
                "mountExtensions": {
                    "type": "object",
                    "properties": {"idmap": _bool_object()},
                    "additionalProperties": False,
                },
            },
            "additionalProperties": False,
        },
    },
    "required": ["ociVersionMin", "ociVersionMax"],
    "additionalProperties": False,
}


def setup_error(message):
    print(f"oci_schema: {message}", file=sys.stderr)
    sys.exit(2)


def load(path, what):
    try:
        if path == "-":
            return json.load(sys.stdin)
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        setup_error(f"cannot read {what} {path}: {e}")


def validator(kind, schema_dir):
    try:
        import jsonschema
    except ImportError:
        setup_error("the jsonschema module is missing (apt-get install python3-jsonschema)")
    d = pathlib.Path(schema_dir).resolve()
    if not (d / "config-schema.json").is_file():
        setup_error(f"no runtime-spec schema in {d} (apt-get install golang-github-opencontainers-specs-dev)")
    store = {}
    for f in d.glob("*.json"):
        doc = load(str(f), "schema")
        store[f.as_uri()] = doc
    if kind == "config":
        uri = (d / "config-schema.json").as_uri()
        schema = store[uri]
    elif kind == "seccomp":
        uri = (d / "sbx-seccomp-profile.json").as_uri()
        schema = {"$schema": "http://json-schema.org/draft-04/schema#",
                  "$ref": "config-linux.json#/linux/properties/seccomp"}
    else:
        uri = (d / "features-schema.json").as_uri()
        schema = FEATURES_SCHEMA
    store[uri] = schema
    cls = jsonschema.validators.validator_for(schema)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver = jsonschema.RefResolver(base_uri=uri, referrer=schema, store=store)
        return cls(schema, resolver=resolver)


def json_path(error):
    out = "$"
    for p in error.absolute_path:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kind", choices=["config", "seccomp", "features"])
    ap.add_argument("file")
    ap.add_argument("--schema-dir", default=DEFAULT_SCHEMA_DIR)
    a = ap.parse_args()
    doc = load(a.file, "document")
    v = validator(a.kind, a.schema_dir)
    errors = sorted(v.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    for e in errors:
        print(f"{a.file}: {json_path(e)}: {e.message}")
    if errors:
        return 1
    print(f"{a.file}: valid {a.kind} document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
