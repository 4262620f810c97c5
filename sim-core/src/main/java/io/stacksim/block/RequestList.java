package io.stacksim.block;

/**
 * An intrusive doubly-linked list of requests through {@link Request#schedPrev} and
 * {@link Request#schedNext} (the kernel's {@code queuelist}). A request is on at most one such
 * list; {@link Request#schedData} names it, so "is it on a list" is {@code list_empty}.
 */
final class RequestList {
    private Request head;
    private Request tail;
    private int size;

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }

    Request first() {
        return head;
    }

    Request last() {
        return tail;
    }

    static boolean onList(Request rq) {
        return rq.schedData instanceof RequestList;
    }

    void addTail(Request rq) {
        rq.schedPrev = tail;
        rq.schedNext = null;
        if (tail == null) {
            head = rq;
        } else {
            tail.schedNext = rq;
        }
        tail = rq;
        rq.schedData = this;
        size++;
    }

    void addHead(Request rq) {
        rq.schedNext = head;
        rq.schedPrev = null;
        if (head == null) {
            tail = rq;
        } else {
            head.schedPrev = rq;
        }
        head = rq;
        rq.schedData = this;
        size++;
    }

    /** list_del_init: a no-op for a request not on this list. */
    void remove(Request rq) {
        if (rq.schedData != this) {
            return;
        }
        if (rq.schedPrev == null) {
            head = rq.schedNext;
        } else {
            rq.schedPrev.schedNext = rq.schedNext;
        }
        if (rq.schedNext == null) {
            tail = rq.schedPrev;
        } else {
            rq.schedNext.schedPrev = rq.schedPrev;
        }
        rq.schedPrev = null;
        rq.schedNext = null;
        rq.schedData = null;
        size--;
    }

    Request pollFirst() {
        Request rq = head;
        if (rq != null) {
            remove(rq);
        }
        return rq;
    }

    /** list_move(rq, pos): takes {@code rq} off its list and puts it right after {@code pos}. */
    void moveAfter(Request rq, Request pos) {
        remove(rq);
        rq.schedPrev = pos;
        rq.schedNext = pos.schedNext;
        if (pos.schedNext == null) {
            tail = rq;
        } else {
            pos.schedNext.schedPrev = rq;
        }
        pos.schedNext = rq;
        rq.schedData = this;
        size++;
    }
}
