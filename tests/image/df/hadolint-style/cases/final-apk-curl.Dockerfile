# source: issue 4: build tools in final stage
# expect: DF-008
FROM alpine:3.20
RUN apk add --no-cache curl
