# source: issue 4 EXPOSE 22 (a range that covers 22)
# expect: DF-017
FROM alpine:3.13
EXPOSE 20-25
