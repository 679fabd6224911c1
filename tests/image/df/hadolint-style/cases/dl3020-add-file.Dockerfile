# source: hadolint DL3020Spec
# expect: DF-012
FROM alpine:3.20
ADD file /usr/src/app/
