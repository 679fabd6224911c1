# source: Trivy DS-0001 latest_tag_test.rego
# expect: DF-003
FROM openjdk
