# source: hadolint DL3020Spec
# expect-not: DF-012
FROM alpine:3.20
ADD --chown=root:root file.tar /usr/src/app/
