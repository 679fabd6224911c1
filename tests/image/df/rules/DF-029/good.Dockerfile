FROM alpine:3.20
# /development only starts with the letters of /dev
WORKDIR /development
WORKDIR /app
USER 10001
