# source: issue 4: ADD from a URL
# expect: DF-011
FROM alpine:3.20
ADD https://example.com/install.sh /tmp/
