# source: Trivy DS-0005 add_instead_of_copy_test.rego
# expect-not: DF-012
FROM alpine:3.13
ADD /target/resources.tar.gz resources.tar.gz
