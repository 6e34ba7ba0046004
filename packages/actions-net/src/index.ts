// @firstline/actions-net: Network and host probes (HTTP, TCP, DNS, ICMP, SSH, Prometheus) for Firstline playbooks.
// Nothing is exported yet; see the open issues for what lands here.
export {};
