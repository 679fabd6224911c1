# source: Trivy DS-0005 add_instead_of_copy_test.rego
# expect-not: DF-012
FROM alpine:3.13
RUN tar -xjf /temp/package.file.tar.gz
