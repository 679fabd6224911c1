FROM alpine:3.20
RUN apk add --no-cache flex=2.6.4-r1 libffi python3=3.12.3-r1
USER 1
