#!/usr/bin/env python3
"""Validate an SBOM against the official schema in ../shared/corpus/schemas.

usage: validate_sbom.py SCHEMA_DIR spdx|cyclonedx FILE
Exits 0 when valid, 1 with the first errors printed otherwise. Works with python3-jsonschema
from Debian 12 (4.10) and newer releases (RefResolver is deprecated there but still present).
"""
import json
import sys
import warnings

import jsonschema

warnings.simplefilter("ignore", DeprecationWarning)


def main():
    sdir, kind, path = sys.argv[1:4]
    doc = json.load(open(path))
    if kind == "spdx":
        schema = json.load(open(f"{sdir}/spdx-2.3-schema.json"))
        store = {}
    else:
        schema = json.load(open(f"{sdir}/bom-1.5.schema.json"))
        store = {}
        for name in ("spdx.schema.json", "jsf-0.82.schema.json"):
            s = json.load(open(f"{sdir}/{name}"))
            store[s.get("$id", name)] = s
            store["http://cyclonedx.org/schema/" + name] = s
    cls = jsonschema.validators.validator_for(schema)
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    v = cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:10]:
        print(f"{path}: {'/'.join(map(str, e.path))}: {e.message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
