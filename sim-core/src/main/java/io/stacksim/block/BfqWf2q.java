package io.stacksim.block;

import java.util.Comparator;
import java.util.TreeSet;

/**
 * B-WF2Q+, the hierarchical Budget Worst-case Fair Weighted Fair Queueing engine of bfq, as
 * block/bfq-wf2q.c. It schedules {@link Entity entities}: a queue (a process's or an async queue)
 * or a group (a cgroup), each with a weight, a budget and virtual start and finish times.
 *
 * <p>Every group has one {@link SchedData} with a {@link ServiceTree} per I/O priority class (RT,
 * BE, IDLE). A tree keeps its backlogged entities in an active tree and entities that went idle
 * with a finish time still in the future in an idle tree, both ordered by finish time, plus its
 * virtual time {@code vtime} and the sum of its active weights {@code wsum}.
 *
 * <ul>
 *   <li>Timestamps (bfq_calc_finish): {@code F = S + (budget << 22) / weight}; service received
 *       advances {@code vtime} by {@code (served << 22) / wsum} (bfq_bfqq_served).</li>
 *   <li>Activation (__bfq_activate_entity): {@code S = max(F, vtime)} for an entity on the idle
 *       tree, {@code S = vtime} otherwise; a queue that was waiting for a request without
 *       blocking may keep its old finish time (backshifting).</li>
 *   <li>Requeue after service (__bfq_requeue_entity): {@code S = S + service/weight}, then
 *       {@code F} from the new budget.</li>
 *   <li>Deactivation (__bfq_deactivate_entity): {@code F = S + service/weight}; to the idle tree
 *       if {@code F > vtime}, else forgotten ({@code wsum} drops its weight).</li>
 *   <li>Selection (bfq_lookup_next_entity, bfq_first_active_entity): the highest class with an
 *       active entity (the idle class every BFQ_CL_IDLE_TIMEOUT = 200 ms regardless); in it,
 *       among the eligible entities ({@code S <= vtime}) the one with the smallest {@code F};
 *       when none is eligible and nothing is in service, {@code vtime} jumps to the smallest
 *       {@code S} (bfq_calc_vtime_jump).</li>
 * </ul>
 *
 * <p>Timestamps compare as the kernel's bfq_gt (wrapping u64 difference); ties in finish time
 * keep insertion order, as an equal key goes to the right in the kernel's rbtree.
 */
final class BfqWf2q {
    /** WFQ_SERVICE_SHIFT. */
    static final int WFQ_SERVICE_SHIFT = 22;
    /** BFQ_IOPRIO_CLASSES: RT, BE, IDLE. */
    static final int CLASSES = 3;
    static final int CLASS_RT = 0;
    static final int CLASS_BE = 1;
    static final int CLASS_IDLE = 2;
    /** BFQ_CL_IDLE_TIMEOUT = HZ / 5 jiffies. */
    static final long CL_IDLE_TIMEOUT_JIFFIES = DeadlineScheduler.HZ / 5;

    private BfqWf2q() {
    }

    /** bfq_gt: {@code a > b} for wrapping timestamps. */
    static boolean gt(long a, long b) {
        return a - b > 0;
    }

    /** bfq_delta: service mapped into virtual time. */
    static long delta(long service, long weight) {
        return Long.divideUnsigned(service << WFQ_SERVICE_SHIFT, weight);
    }

    /** Where an entity is (entity->tree). */
    enum Where { NONE, ACTIVE, IDLE }

    /**
     * struct bfq_entity: the schedulable unit, a queue or (with {@link #mySched}) a group.
     * {@link #weight} is {@code origWeight x wrCoeff} for a queue, its weight for a group.
     */
    static class Entity {
        long start;
        long finish;
        /** Service to receive in the current slot (sectors) and service received in it. */
        int budget;
        int service;
        int weight;
        int origWeight;
        int newWeight;
        boolean prioChanged;
        /** The class index this entity is scheduled in (ioprio_class - 1; BE for a group). */
        int classIdx = CLASS_BE;
        int newClassIdx = CLASS_BE;
        /** Weight-raising coefficient of a queue (1 = none); 1 for a group. */
        int wrCoeff = 1;
        /** on_st_or_in_serv: on a service tree or in service. */
        boolean onSt;
        Where where = Where.NONE;
        /** The sched data this entity is scheduled in (its parent group's). */
        SchedData sched;
        /** The parent group's entity, or null under the root group. */
        Entity parent;
        /** A group's own sched data; null for a queue. */
        SchedData mySched;
        /** Insertion order, for ties in finish time. */
        long seq;

        boolean isQueue() {
            return mySched == null;
        }

        /** bfq_entity_service_tree. */
        ServiceTree tree() {
            return sched.trees[classIdx];
        }

        /** Called when the weight of a queue entity changes (the weights tree); a no-op for groups. */
        void weightChanged(int prevWeight) {
        }

        /** The entity entered (true) or left (false) its active tree (bfqd->active_list for queues). */
        void activeChanged(boolean active) {
        }
    }

    private static final Comparator<Entity> BY_FINISH = (a, b) -> {
        long d = a.finish - b.finish;
        if (d != 0) {
            return d > 0 ? 1 : -1;
        }
        return Long.compare(a.seq, b.seq);
    };

    /** struct bfq_service_tree. */
    static final class ServiceTree {
        final TreeSet<Entity> active = new TreeSet<>(BY_FINISH);
        final TreeSet<Entity> idle = new TreeSet<>(BY_FINISH);
        long vtime;
        long wsum;
        private long seq;

        /** Smallest start time in the active tree (the root's min_start). */
        long minStart() {
            long min = 0;
            boolean first = true;
            for (Entity e : active) {
                if (first || gt(min, e.start)) {
                    min = e.start;
                    first = false;
                }
            }
            return min;
        }

        void activeInsert(Entity e) {
            e.seq = ++seq;
            active.add(e);
            e.where = Where.ACTIVE;
            e.activeChanged(true);
            if (e.sched.owner != null) {
                e.sched.owner.activeEntities++;
            }
        }

        void activeExtract(Entity e) {
            active.remove(e);
            e.where = Where.NONE;
            e.activeChanged(false);
            if (e.sched.owner != null) {
                e.sched.owner.activeEntities--;
            }
        }

        void idleInsert(Entity e) {
            e.seq = ++seq;
            idle.add(e);
            e.where = Where.IDLE;
        }

        void idleExtract(Entity e) {
            idle.remove(e);
            e.where = Where.NONE;
        }

        /** bfq_forget_entity. */
        void forget(Entity e) {
            e.onSt = false;
            wsum -= e.weight;
        }

        /** bfq_forget_idle: one idle entity at a time, or the whole tree when nothing is active. */
        void forgetIdle() {
            if (active.isEmpty() && !idle.isEmpty() && !gt(idle.last().finish, vtime)) {
                vtime = idle.last().finish;
            }
            if (!idle.isEmpty() && !gt(idle.first().finish, vtime)) {
                Entity first = idle.first();
                idleExtract(first);
                forget(first);
            }
        }

        /** bfq_update_vtime. */
        void updateVtime(long v) {
            if (v > vtime) {
                vtime = v;
                forgetIdle();
            }
        }

        /** bfq_first_active_entity: the eligible entity with the smallest finish time. */
        Entity firstEligible(long v) {
            for (Entity e : active) {
                if (!gt(e.start, v)) {
                    return e;
                }
            }
            return null;
        }

        /** __bfq_lookup_next_entity. */
        Entity lookupNext(boolean inService) {
            if (active.isEmpty()) {
                return null;
            }
            long ms = minStart();
            long newVtime = gt(ms, vtime) ? ms : vtime;
            if (!inService) {
                updateVtime(newVtime);
            }
            return firstEligible(newVtime);
        }
    }

    /** struct bfq_sched_data: a group's trees, its in-service and next entity. */
    static final class SchedData {
        final ServiceTree[] trees = {new ServiceTree(), new ServiceTree(), new ServiceTree()};
        Entity inService;
        Entity nextInService;
        long classIdleLastService;
        /** The group entity owning this sched data, null for the root group. */
        final Entity ownerEntity;
        /** The group's counters (active_entities), null for the root group. */
        final GroupCounts owner;

        SchedData(Entity ownerEntity, long nowJiffies) {
            this.ownerEntity = ownerEntity;
            this.owner = ownerEntity == null ? null : new GroupCounts();
            this.classIdleLastService = nowJiffies;
        }
    }

    /** bfqg->active_entities. */
    static final class GroupCounts {
        int activeEntities;
    }

    /** The engine over one hierarchy; {@link #jiffies} is read for the idle class's timeout. */
    static final class Engine {
        final SchedData root;
        private final java.util.function.LongSupplier jiffies;

        Engine(java.util.function.LongSupplier jiffies) {
            this.jiffies = jiffies;
            this.root = new SchedData(null, jiffies.getAsLong());
        }

        /** bfq_calc_finish. */
        static void calcFinish(Entity e, long service) {
            e.finish = e.start + delta(service, e.weight);
        }

        /** __bfq_entity_update_weight_prio (the class too when {@code updateClass}). */
        ServiceTree updateWeightPrio(ServiceTree oldSt, Entity e, boolean updateClass) {
            ServiceTree newSt = oldSt;
            if (e.prioChanged) {
                oldSt.wsum -= e.weight;
                if (e.newWeight != e.origWeight) {
                    e.origWeight = Math.max(1, Math.min(1000, e.newWeight)); // BFQ_MIN/MAX_WEIGHT
                }
                if (e.isQueue() && updateClass) {
                    e.classIdx = e.newClassIdx;
                }
                if (!e.isQueue() || e.classIdx == e.newClassIdx) {
                    e.prioChanged = false;
                }
                newSt = e.tree();
                int prev = e.weight;
                e.weight = e.origWeight * (e.isQueue() ? e.wrCoeff : 1);
                if (prev != e.weight) {
                    e.weightChanged(prev);
                }
                newSt.wsum += e.weight;
                if (newSt != oldSt) {
                    e.start = newSt.vtime;
                }
            }
            return newSt;
        }

        /** bfq_update_fin_time_enqueue. */
        private void finTimeEnqueue(Entity e, ServiceTree st, boolean backshifted) {
            st = updateWeightPrio(st, e, true);
            calcFinish(e, e.budget);
            if (backshifted && gt(st.vtime, e.finish)) {
                long d = st.vtime - e.finish;
                if (e.isQueue()) {
                    d /= e.wrCoeff;
                }
                e.start += d;
                e.finish += d;
            }
            st.activeInsert(e);
        }

        /** __bfq_activate_entity: a true activation. */
        private void activate(Entity e, boolean nonBlockingWaitRq) {
            ServiceTree st = e.tree();
            boolean backshifted = false;
            long minVstart;
            if (nonBlockingWaitRq && gt(st.vtime, e.finish)) {
                backshifted = true;
                minVstart = e.finish;
            } else {
                minVstart = st.vtime;
            }
            if (e.where == Where.IDLE) {
                st.idleExtract(e);
                e.start = gt(minVstart, e.finish) ? minVstart : e.finish;
            } else {
                e.start = minVstart;
                st.wsum += e.weight;
                e.onSt = true;
            }
            finTimeEnqueue(e, st, backshifted);
        }

        /** __bfq_requeue_entity. */
        private void requeue(Entity e) {
            ServiceTree st = e.tree();
            if (e == e.sched.inService) {
                calcFinish(e, e.service);
                e.start = e.finish;
                if (e.where == Where.ACTIVE) {
                    st.activeExtract(e);
                }
            } else {
                st.activeExtract(e);
            }
            finTimeEnqueue(e, st, false);
        }

        /** __bfq_activate_requeue_entity. */
        private void activateOrRequeue(Entity e, boolean nonBlockingWaitRq) {
            if (e.sched.inService == e || e.where == Where.ACTIVE) {
                requeue(e);
            } else {
                activate(e, nonBlockingWaitRq);
            }
        }

        /** bfq_activate_requeue_entity: the entity and, as far as needed, its ancestors. */
        void activateRequeue(Entity e, boolean nonBlockingWaitRq, boolean requeue, boolean expiration) {
            for (; e != null; e = e.parent) {
                activateOrRequeue(e, nonBlockingWaitRq);
                if (!updateNextInService(e.sched, e, expiration) && !requeue) {
                    break;
                }
            }
        }

        /** __bfq_deactivate_entity; false when the entity was on no tree. */
        private boolean deactivateOne(Entity e, boolean insIntoIdleTree) {
            if (!e.onSt) {
                return false;
            }
            ServiceTree st = e.tree();
            boolean inService = e == e.sched.inService;
            if (inService) {
                calcFinish(e, e.service);
                e.sched.inService = null;
            }
            if (e.where == Where.ACTIVE) {
                st.activeExtract(e);
            } else if (!inService && e.where == Where.IDLE) {
                st.idleExtract(e);
            }
            if (!insIntoIdleTree || !gt(e.finish, st.vtime)) {
                st.forget(e);
            } else {
                st.idleInsert(e);
            }
            return true;
        }

        /** bfq_deactivate_entity. */
        void deactivate(Entity e, boolean insIntoIdleTree, boolean expiration) {
            Entity parent = null;
            for (; e != null; e = parent) {
                parent = e.parent;
                SchedData sd = e.sched;
                if (!deactivateOne(e, insIntoIdleTree)) {
                    return;
                }
                if (sd.nextInService == e) {
                    updateNextInService(sd, null, expiration);
                }
                if (sd.nextInService != null || sd.inService != null) {
                    break;
                }
                insIntoIdleTree = true;
            }
            for (e = parent; e != null; e = e.parent) {
                requeue(e);
                if (!updateNextInService(e.sched, e, expiration) && !expiration) {
                    break;
                }
            }
        }

        /** bfq_lookup_next_entity. */
        Entity lookupNext(SchedData sd, boolean expiration) {
            int classIdx = 0;
            long now = jiffies.getAsLong();
            if (now - (sd.classIdleLastService + CL_IDLE_TIMEOUT_JIFFIES) > 0) {
                if (!sd.trees[CLASS_IDLE].active.isEmpty()) {
                    classIdx = CLASS_IDLE;
                }
                sd.classIdleLastService = now;
            }
            Entity e = null;
            for (; classIdx < CLASSES; classIdx++) {
                e = sd.trees[classIdx].lookupNext(sd.inService != null && !expiration);
                if (e != null) {
                    break;
                }
            }
            return e;
        }

        /** bfq_update_parent_budget: a group's budget is its next entity's. */
        private static boolean updateParentBudget(Entity next) {
            Entity g = next.sched.ownerEntity;
            boolean ret = false;
            if (g != null) {
                if (g.budget > next.budget) {
                    ret = true;
                }
                g.budget = next.budget;
            }
            return ret;
        }

        /** bfq_update_next_in_service; true when the parent's schedule may change. */
        boolean updateNextInService(SchedData sd, Entity newEntity, boolean expiration) {
            Entity next = sd.nextInService;
            boolean parentMayChange = false;
            boolean changeWithoutLookup = false;
            if (newEntity != null && newEntity != sd.nextInService) {
                changeWithoutLookup = true;
                if (next != null) {
                    ServiceTree st = sd.trees[newEntity.classIdx];
                    changeWithoutLookup = newEntity.classIdx == next.classIdx && !gt(newEntity.start, st.vtime)
                            && gt(next.finish, newEntity.finish);
                }
                if (changeWithoutLookup) {
                    next = newEntity;
                }
            }
            if (!changeWithoutLookup) {
                next = lookupNext(sd, expiration);
            }
            if (next != null) {
                parentMayChange = sd.nextInService == null || updateParentBudget(next);
            }
            sd.nextInService = next;
            return parentMayChange;
        }

        /** bfq_no_longer_next_in_service. */
        private static boolean noLongerNext(Entity e) {
            return e.isQueue() || e.mySched.owner.activeEntities == 1;
        }

        /** next_queue_may_preempt. */
        boolean nextMayPreempt() {
            return root.nextInService != root.inService;
        }

        /**
         * bfq_get_next_queue: from the root down, each level's next entity goes in service (and
         * out of its active tree unless it is a group with other active children); then the
         * next entities are updated from the leaf up. Returns the leaf (a queue) or null.
         */
        Entity getNextQueue() {
            Entity e = null;
            for (SchedData sd = root; sd != null; sd = e.mySched) {
                e = sd.nextInService;
                if (e == null) {
                    return null;
                }
                sd.inService = e;
                e.service = 0;
                if (noLongerNext(e)) {
                    e.tree().activeExtract(e);
                }
            }
            Entity leaf = e;
            for (; e != null; e = e.parent) {
                if (!updateNextInService(e.sched, null, false)) {
                    break;
                }
            }
            return leaf;
        }

        /** The in-service path is over (__bfq_bfqd_reset_in_service, after requeue or deactivation). */
        void resetInService(Entity leaf) {
            for (Entity e = leaf; e != null; e = e.parent) {
                e.sched.inService = null;
            }
        }

        /** bfq_bfqq_served: service at every level, each tree's vtime advanced. */
        void served(Entity leaf, int served) {
            for (Entity e = leaf; e != null; e = e.parent) {
                ServiceTree st = e.tree();
                e.service += served;
                st.vtime += delta(served, st.wsum);
                st.forgetIdle();
            }
        }
    }
}
