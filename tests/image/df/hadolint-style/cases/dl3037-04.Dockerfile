# source: hadolint DL3037Spec
# expect-not: DF-027
FROM opensuse/leap:15.6
RUN zypper install -y tomcat\<=9.0 && zypper clean
