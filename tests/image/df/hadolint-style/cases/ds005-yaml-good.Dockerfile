# source: Trivy add_instead_of_copy.yaml good
# expect-not: DF-012
FROM alpine:3.13
USER mike
ADD "/target/resources.tar.gz" "resources"
