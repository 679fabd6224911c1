# source: Trivy DS002 test: no USER instruction
# expect: DF-004
FROM alpine:3.20
RUN echo hi
