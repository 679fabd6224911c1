# source: hadolint DL3020Spec (ADD does not unpack zip)
# expect: DF-012
FROM alpine:3.20
ADD file.zip /usr/src/app/
