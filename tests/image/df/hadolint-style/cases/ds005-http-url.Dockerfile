# source: Trivy DS-0005 add_instead_of_copy_test.rego
# expect-not: DF-012
FROM alpine:3.13
ADD http://example.com/foo.txt bar.txt
