# source: hadolint DL3020Spec
# expect: DF-011
# expect-not: DF-012
FROM alpine:3.20
ADD "http://file.com" /usr/src/app/
