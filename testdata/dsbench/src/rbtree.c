/* rbtree.c - red-black tree (insert, delete, lookup, validation). */
#include <stdlib.h>
#include "dsbench.h"

unsigned long dsb_ops;  /* tentative -> common */

enum color { RED, BLACK };

struct rbnode {
    int key, value;
    enum color color;
    struct rbnode *left, *right, *parent;
};

void rb_init(struct rbtree *t)
{
    t->root = NULL;
    t->size = 0;
}

static void rotate_left(struct rbtree *t, struct rbnode *x)
{
    struct rbnode *y = x->right;
    x->right = y->left;
    if (y->left)
        y->left->parent = x;
    y->parent = x->parent;
    if (!x->parent)
        t->root = y;
    else if (x == x->parent->left)
        x->parent->left = y;
    else
        x->parent->right = y;
    y->left = x;
    x->parent = y;
}

static void rotate_right(struct rbtree *t, struct rbnode *x)
{
    struct rbnode *y = x->left;
    x->left = y->right;
    if (y->right)
        y->right->parent = x;
    y->parent = x->parent;
    if (!x->parent)
        t->root = y;
    else if (x == x->parent->right)
        x->parent->right = y;
    else
        x->parent->left = y;
    y->right = x;
    x->parent = y;
}

static int is_red(const struct rbnode *n)
{
    return n && n->color == RED;
}

int rb_insert(struct rbtree *t, int key, int value)
{
    struct rbnode *parent = NULL, **link = &t->root, *n;
    while (*link) {
        parent = *link;
        dsb_ops++;
        if (key == parent->key) {
            parent->value = value;
            return 0;
        }
        link = key < parent->key ? &parent->left : &parent->right;
    }
    n = malloc(sizeof *n);
    n->key = key;
    n->value = value;
    n->color = RED;
    n->left = n->right = NULL;
    n->parent = parent;
    *link = n;
    t->size++;
    /* fix up */
    while (is_red(n->parent)) {
        struct rbnode *p = n->parent, *g = p->parent, *u;
        if (p == g->left) {
            u = g->right;
            if (is_red(u)) {
                p->color = u->color = BLACK;
                g->color = RED;
                n = g;
                continue;
            }
            if (n == p->right) {
                rotate_left(t, p);
                n = p;
                p = n->parent;
            }
            p->color = BLACK;
            g->color = RED;
            rotate_right(t, g);
        } else {
            u = g->left;
            if (is_red(u)) {
                p->color = u->color = BLACK;
                g->color = RED;
                n = g;
                continue;
            }
            if (n == p->left) {
                rotate_right(t, p);
                n = p;
                p = n->parent;
            }
            p->color = BLACK;
            g->color = RED;
            rotate_left(t, g);
        }
    }
    t->root->color = BLACK;
    return 1;
}

static struct rbnode *find_node(const struct rbtree *t, int key)
{
    struct rbnode *n = t->root;
    while (n && n->key != key)
        n = key < n->key ? n->left : n->right;
    return n;
}

int rb_find(const struct rbtree *t, int key, int *value)
{
    struct rbnode *n = find_node(t, key);
    if (!n)
        return 0;
    if (value)
        *value = n->value;
    return 1;
}

static void transplant(struct rbtree *t, struct rbnode *u, struct rbnode *v)
{
    if (!u->parent)
        t->root = v;
    else if (u == u->parent->left)
        u->parent->left = v;
    else
        u->parent->right = v;
    if (v)
        v->parent = u->parent;
}

static void delete_fixup(struct rbtree *t, struct rbnode *x, struct rbnode *xp)
{
    while (x != t->root && !is_red(x)) {
        if (x == xp->left) {
            struct rbnode *w = xp->right;
            if (is_red(w)) {
                w->color = BLACK;
                xp->color = RED;
                rotate_left(t, xp);
                w = xp->right;
            }
            if (!is_red(w->left) && !is_red(w->right)) {
                w->color = RED;
                x = xp;
                xp = x->parent;
            } else {
                if (!is_red(w->right)) {
                    w->left->color = BLACK;
                    w->color = RED;
                    rotate_right(t, w);
                    w = xp->right;
                }
                w->color = xp->color;
                xp->color = BLACK;
                if (w->right)
                    w->right->color = BLACK;
                rotate_left(t, xp);
                x = t->root;
                xp = NULL;
            }
        } else {
            struct rbnode *w = xp->left;
            if (is_red(w)) {
                w->color = BLACK;
                xp->color = RED;
                rotate_right(t, xp);
                w = xp->left;
            }
            if (!is_red(w->left) && !is_red(w->right)) {
                w->color = RED;
                x = xp;
                xp = x->parent;
            } else {
                if (!is_red(w->left)) {
                    w->right->color = BLACK;
                    w->color = RED;
                    rotate_left(t, w);
                    w = xp->left;
                }
                w->color = xp->color;
                xp->color = BLACK;
                if (w->left)
                    w->left->color = BLACK;
                rotate_right(t, xp);
                x = t->root;
                xp = NULL;
            }
        }
    }
    if (x)
        x->color = BLACK;
}

int rb_delete(struct rbtree *t, int key)
{
    struct rbnode *z = find_node(t, key), *y, *x, *xp;
    enum color orig;
    if (!z)
        return 0;
    y = z;
    orig = y->color;
    if (!z->left) {
        x = z->right;
        xp = z->parent;
        transplant(t, z, z->right);
    } else if (!z->right) {
        x = z->left;
        xp = z->parent;
        transplant(t, z, z->left);
    } else {
        y = z->right;
        while (y->left)
            y = y->left;
        orig = y->color;
        x = y->right;
        if (y->parent == z) {
            xp = y;
        } else {
            xp = y->parent;
            transplant(t, y, y->right);
            y->right = z->right;
            y->right->parent = y;
        }
        transplant(t, z, y);
        y->left = z->left;
        y->left->parent = y;
        y->color = z->color;
    }
    free(z);
    t->size--;
    if (orig == BLACK)
        delete_fixup(t, x, xp);
    return 1;
}

static int height(const struct rbnode *n)
{
    int l, r;
    if (!n)
        return 0;
    l = height(n->left);
    r = height(n->right);
    return 1 + (l > r ? l : r);
}

int rb_height(const struct rbtree *t)
{
    return height(t->root);
}

/* returns black height, or -1 if a red-black property is violated */
static int check(const struct rbnode *n, const struct rbnode *parent, long lo, long hi)
{
    int l, r;
    if (!n)
        return 1;
    if (n->parent != parent || n->key <= lo || n->key >= hi)
        return -1;
    if (is_red(n) && (is_red(n->left) || is_red(n->right)))
        return -1;
    l = check(n->left, n, lo, n->key);
    r = check(n->right, n, n->key, hi);
    if (l < 0 || r < 0 || l != r)
        return -1;
    return l + (n->color == BLACK);
}

int rb_check(const struct rbtree *t)
{
    if (is_red(t->root))
        return -1;
    return check(t->root, NULL, -2147483649L, 2147483648L);
}

static void walk(const struct rbnode *n, void (*fn)(int, int, void *), void *ctx)
{
    if (!n)
        return;
    walk(n->left, fn, ctx);
    fn(n->key, n->value, ctx);
    walk(n->right, fn, ctx);
}

void rb_walk(const struct rbtree *t, void (*fn)(int key, int value, void *ctx), void *ctx)
{
    walk(t->root, fn, ctx);
}

static void free_nodes(struct rbnode *n)
{
    if (!n)
        return;
    free_nodes(n->left);
    free_nodes(n->right);
    free(n);
}

void rb_free(struct rbtree *t)
{
    free_nodes(t->root);
    rb_init(t);
}
