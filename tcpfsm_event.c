// SPDX-License-Identifier: GPL-2.0
/*
 * The event door between the table and its listeners (see tcpfsm_event.h):
 * an RCU-protected pointer, as nf_conntrack_register_notifier() keeps one.
 * Before anyone registers and after they have gone, events cost one load.
 */

#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

#include "tcpfsm_event.h"

static const struct tcpfsm_event_notifier __rcu *tcpfsm_event_cb __read_mostly;
static DEFINE_MUTEX(tcpfsm_event_mutex);

int tcpfsm_event_register(const struct tcpfsm_event_notifier *n)
{
	int err = 0;

	mutex_lock(&tcpfsm_event_mutex);
	if (rcu_dereference_protected(tcpfsm_event_cb,
				      lockdep_is_held(&tcpfsm_event_mutex)))
		err = -EBUSY;
	else
		rcu_assign_pointer(tcpfsm_event_cb, n);
	mutex_unlock(&tcpfsm_event_mutex);
	return err;
}

void tcpfsm_event_unregister(const struct tcpfsm_event_notifier *n)
{
	mutex_lock(&tcpfsm_event_mutex);
	WARN_ON(rcu_dereference_protected(tcpfsm_event_cb,
					  lockdep_is_held(&tcpfsm_event_mutex)) != n);
	RCU_INIT_POINTER(tcpfsm_event_cb, NULL);
	mutex_unlock(&tcpfsm_event_mutex);
	/* Events run inside RCU read-side sections: wait for the last. */
	synchronize_rcu();
}

/*
 * Whoever holds a flow's lock has bottom halves off (and is in an RCU
 * read-side section besides, since a flow's memory is SLAB_TYPESAFE_BY_RCU),
 * which synchronize_rcu() in tcpfsm_event_unregister() waits for: so this
 * takes no lock of its own, which on the stock kernels (PREEMPT_RCU) would
 * be two calls an event.  Lockdep's RCU checks hold callers to it.
 */
void tcpfsm_event_notify(struct net *net, const struct tcpfsm_flow *flow,
			 const struct tcpfsm_event *ev)
{
	const struct tcpfsm_event_notifier *n =
		rcu_dereference_check(tcpfsm_event_cb, rcu_read_lock_any_held());

	if (n)
		n->event(net, flow, ev);
}
