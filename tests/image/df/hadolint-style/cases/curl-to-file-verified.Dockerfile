# source: hadolint DL4006Spec / issue 4 (curl|sh)
# expect-not: DF-013
FROM debian:12
RUN curl -fsSLo /tmp/i.sh https://example.com/i.sh && echo "abc  /tmp/i.sh" | sha256sum -c - && sh /tmp/i.sh
