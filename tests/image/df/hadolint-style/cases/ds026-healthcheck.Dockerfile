# source: Trivy DS026 test
# expect-not: DF-021
FROM alpine:3.20
USER 1000
HEALTHCHECK CMD curl --fail http://localhost:3000 || exit 1
CMD ["/app"]
