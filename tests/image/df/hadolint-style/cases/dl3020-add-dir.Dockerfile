# source: hadolint DL3020Spec
# expect: DF-012
FROM alpine:3.20
ADD . /usr/src/app/
