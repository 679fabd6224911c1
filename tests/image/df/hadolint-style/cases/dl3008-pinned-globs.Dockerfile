# source: hadolint DL3008Spec
# expect-not: DF-027
FROM debian:12
RUN apt-get update && apt-get install --no-install-recommends -y \
python-demjson=2.2.2* \
wget=1.16.1* \
git=1:2.5.0* \
ruby=1:2.1.*
