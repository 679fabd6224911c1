# source: hadolint DL4006Spec / issue 4 (curl|sh)
# expect: DF-013
FROM debian:12
RUN curl -sSL https://get.example.com | sh
