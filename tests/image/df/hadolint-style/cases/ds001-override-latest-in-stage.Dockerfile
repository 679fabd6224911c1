# source: Trivy DS-0001 latest_tag_test.rego (global ARG TAG=test; BuildKit ignores an ARG before FROM inside a stage)
# expect-not: DF-003
ARG TAG=test
FROM foo:${TAG}
ARG TAG=latest
FROM bar:${TAG}
