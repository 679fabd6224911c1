# source: hadolint DL3020Spec
# expect-not: DF-012
FROM alpine:3.20
ADD file.gz /usr/src/app/
