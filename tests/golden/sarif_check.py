#!/usr/bin/env python3
"""Validate a SARIF report against the SARIF 2.1.0 JSON schema (../shared/corpus/schemas) and
check what code scanning relies on beyond the schema: every result's ruleId resolves through
ruleIndex in tool.driver.rules, regions start at line >= 1, partialFingerprints are present.
Prints one line per result so that a golden test can compare them."""
import json
import sys

import jsonschema

schema_path, report_path = sys.argv[1], sys.argv[2]
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
with open(report_path, encoding="utf-8") as f:
    report = json.load(f)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = sorted(cls(schema).iter_errors(report), key=lambda e: list(e.absolute_path))
for e in errors:
    print("schema error at", "/".join(str(p) for p in e.absolute_path), ":", e.message)
if errors:
    sys.exit(1)
print("valid against", schema.get("title", schema_path))
bad = 0
for run in report["runs"]:
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    if len(ids) != len(set(ids)):
        print("duplicate rule ids in tool.driver.rules")
        bad += 1
    for r in run["results"]:
        if rules[r["ruleIndex"]]["id"] != r["ruleId"]:
            print("ruleIndex does not resolve to", r["ruleId"])
            bad += 1
        loc = r["locations"][0]["physicalLocation"]
        reg = loc["region"]
        if reg["startLine"] < 1 or reg.get("endLine", reg["startLine"]) < reg["startLine"]:
            print("bad region", reg)
            bad += 1
        fp = r.get("partialFingerprints", {}).get("bulkhead/v1", "")
        if len(fp) != 32:
            print("missing partialFingerprints")
            bad += 1
        print("%s %s %s:%d:%d-%d:%d %s" % (r["ruleId"], r["level"], loc["artifactLocation"]["uri"],
                                        reg["startLine"], reg["startColumn"], reg["endLine"],
                                        reg["endColumn"], fp))
sys.exit(1 if bad else 0)
