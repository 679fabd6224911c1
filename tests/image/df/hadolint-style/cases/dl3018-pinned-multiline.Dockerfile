# source: hadolint DL3018Spec
# expect-not: DF-027
FROM alpine:3.20
RUN apk add --no-cache \
flex=2.6.4-r1 \
libffi=3.2.1-r3 \
python2=2.7.13-r1 \
libbz2=1.0.6-r5
