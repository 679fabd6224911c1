# source: hadolint DL3037Spec
# expect: DF-027
FROM opensuse/leap:15.6
RUN zypper install -y tomcat && zypper clean
