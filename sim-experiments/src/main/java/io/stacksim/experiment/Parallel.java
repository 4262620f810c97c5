package io.stacksim.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Independent simulations (or charts) on a few threads, results in input order: each item is
 * computed by one thread from its own inputs, so the results do not depend on the thread count.
 */
public final class Parallel {
    private Parallel() {
    }

    /**
     * {@code fn} of every item, on at most {@code threads} daemon threads (the caller's thread
     * alone when 1). The first failure is rethrown as it was, a checked one wrapped.
     */
    public static <T, R> List<R> map(List<T> items, int threads, Function<? super T, ? extends R> fn) {
        List<R> out = new ArrayList<>(items.size());
        int n = Math.min(Math.max(1, threads), items.size());
        if (n <= 1) {
            for (T item : items) {
                out.add(fn.apply(item));
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "stacksim-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<? extends R>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> fn.apply(item)));
            }
            for (Future<? extends R> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
