# source: hadolint DL3001Spec (installing ssh is not running it)
# expect-not: DF-016 DF-017
FROM debian:12
RUN apt-get install ssh
