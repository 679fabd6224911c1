# source: Trivy DS-0001 latest_tag_test.rego
# expect-not: DF-003
FROM scratch
