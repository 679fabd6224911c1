# source: hadolint DL4006Spec / issue 4 (curl|sh)
# expect: DF-013 DF-016
FROM debian:12
RUN curl -fsSL https://deb.example.com/setup_20.x | sudo -E bash -
