# source: Trivy DS-0001 latest_tag_test.rego (image ref to global arg without default)
# expect: DF-003
ARG REGISTRY
FROM ${REGISTRY}/ubuntu
