# source: hadolint DL4006Spec / issue 4 (curl|sh)
# expect: DF-013
FROM debian:12
RUN bash -c "$(curl -fsSL https://example.com/install.sh)"
