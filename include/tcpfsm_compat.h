/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels we build against (6.1 to current).
 * Every kernel version test of the module lives here and nowhere else, so
 * supporting a new kernel is a change to this file only.
 */
#ifndef _TCPFSM_COMPAT_H
#define _TCPFSM_COMPAT_H

#include <linux/module.h>
#include <linux/version.h>

/* Built against kernel @maj.@min or later. */
#define TCPFSM_KERNEL_AT_LEAST(maj, min)				\
	(LINUX_VERSION_MAJOR * 256 + LINUX_VERSION_PATCHLEVEL >= (maj) * 256 + (min))

/*
 * 6.13 turned the namespace argument of MODULE_IMPORT_NS() into a string
 * literal; before it was a bare identifier that the macro stringified.
 */
#if TCPFSM_KERNEL_AT_LEAST(6, 13)
#define TCPFSM_IMPORT_KUNIT_NS() MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define TCPFSM_IMPORT_KUNIT_NS() MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

/* ---- generic netlink (tcpfsm_netlink.c; appended by its owner) ---- */
#include <net/genetlink.h>

/*
 * The parsed attributes of a dump request: 6.1 keeps them in
 * genl_dumpit_info::attrs, 6.2 and later in genl_dumpit_info::info.attrs.
 */
#if TCPFSM_KERNEL_AT_LEAST(6, 2)
#define tcpfsm_dump_attrs(cb)	(genl_dumpit_info(cb)->info.attrs)
#else
#define tcpfsm_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

/*
 * The generated op table (generated/netlink.c, ynl-gen-c's "split" kernel
 * policy, the only one that renders a dump's start and done) holds split
 * ops: one entry for a command's do and one for its dump, each with its own
 * policy.  They came in 6.2.  6.1 has struct genl_ops, one entry per
 * command with one policy for both: there the generated table is declared
 * with 6.2's layout of struct genl_split_ops and folded into genl_ops when
 * the family is registered, each command's do and dump into one (their
 * policies must be the same, and a split op's pre_doit and post_doit, which
 * 6.1 has only per family, must be unset).
 *
 * tcpfsm_genl_register_family() registers @family with the @n_ops split ops
 * @ops.
 */
#if TCPFSM_KERNEL_AT_LEAST(6, 2)
static inline int tcpfsm_genl_register_family(struct genl_family *family,
					      const struct genl_split_ops *ops,
					      unsigned int n_ops)
{
	family->split_ops = ops;
	family->n_split_ops = n_ops;
	return genl_register_family(family);
}
#else
struct genl_split_ops {
	union {
		struct {
			int (*pre_doit)(const struct genl_split_ops *ops,
					struct sk_buff *skb,
					struct genl_info *info);
			int (*doit)(struct sk_buff *skb,
				    struct genl_info *info);
			void (*post_doit)(const struct genl_split_ops *ops,
					  struct sk_buff *skb,
					  struct genl_info *info);
		};
		struct {
			int (*start)(struct netlink_callback *cb);
			int (*dumpit)(struct sk_buff *skb,
				      struct netlink_callback *cb);
			int (*done)(struct netlink_callback *cb);
		};
	};
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 internal_flags;
	u8 flags;
	u8 validate;
};

static inline bool tcpfsm_genl_same_policy(const struct genl_ops *op,
					   const struct genl_split_ops *sop)
{
	if (op->maxattr != sop->maxattr || !op->policy != !sop->policy)
		return false;
	return op->policy == sop->policy ||
	       !memcmp(op->policy, sop->policy, (sop->maxattr + 1) * sizeof(*sop->policy));
}

static inline int tcpfsm_genl_register_family(struct genl_family *family,
					      const struct genl_split_ops *sops,
					      unsigned int n_sops)
{
	/* The family's for as long as it is registered: the module's life. */
	static struct genl_ops ops[16] __ro_after_init;
	const u8 caps = GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP;
	unsigned int i, n = 0;

	if (WARN_ON(n_sops > ARRAY_SIZE(ops)))
		return -E2BIG;
	for (i = 0; i < n_sops; i++) {
		const struct genl_split_ops *sop = &sops[i];
		struct genl_ops *op = n ? &ops[n - 1] : NULL;

		/* The generator sorts the table by command, a do before its dump. */
		if (op && op->cmd == sop->cmd) {
			if (WARN_ON(!tcpfsm_genl_same_policy(op, sop) ||
				    op->flags != (sop->flags & ~caps) ||
				    op->internal_flags != sop->internal_flags ||
				    op->validate != sop->validate))
				return -EINVAL;
		} else {
			op = &ops[n++];
			op->cmd = sop->cmd;
			op->flags = sop->flags & ~caps;
			op->internal_flags = sop->internal_flags;
			op->validate = sop->validate;
			op->policy = sop->policy;
			op->maxattr = sop->maxattr;
		}
		if (sop->flags & GENL_CMD_CAP_DO) {
			if (WARN_ON(sop->pre_doit || sop->post_doit))
				return -EINVAL;
			op->doit = sop->doit;
		} else {
			op->start = sop->start;
			op->dumpit = sop->dumpit;
			op->done = sop->done;
		}
	}
	family->ops = ops;
	family->n_ops = n;
	return genl_register_family(family);
}
#endif

/*
 * The generated policies point at const range structs; a policy's range
 * pointer became const in 6.7.  Before, the kernel only read through it
 * all the same.
 */
#if !TCPFSM_KERNEL_AT_LEAST(6, 7)
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}
#endif
/* ---- end generic netlink ---- */

/* ---- network namespaces (tcpfsm_nl_netns.c) ---- */
#include <net/net_namespace.h>

/*
 * A namespace's cookie as SO_NETNS_COOKIE reports it: sock_getsockopt()
 * returns net->net_cookie, a u64 written once in setup_net(), on 6.1, 6.12
 * and 7.2 alike (6.1 and 6.12 draw it from gen_cookie_next(), whose
 * per-CPU batches make cookies unique but not ordered by creation; 7.2's
 * tracepoints read the same field).  Kept here so that a kernel moving it
 * (into ns_common's ns_id, say) is a change to this file only.
 */
static inline u64 tcpfsm_net_cookie(const struct net *net)
{
	return net->net_cookie;
}

/* The nsfs inode of @net, as /proc/PID/ns/net and lsns show it. */
static inline u32 tcpfsm_net_ino(const struct net *net)
{
	return net->ns.inum;
}

/* ---- end network namespaces ---- */

#endif /* _TCPFSM_COMPAT_H */
