# source: hadolint DL4006Spec / issue 4 (curl|sh)
# expect-not: DF-013
FROM debian:12
RUN curl -fsSL https://example.com/x.tar.gz | tar -xz -C /opt
