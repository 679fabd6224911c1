# source: hadolint DL3020Spec
# expect-not: DF-012 DF-011
FROM alpine:3.20
ADD file.tar.gz /usr/src/app/
