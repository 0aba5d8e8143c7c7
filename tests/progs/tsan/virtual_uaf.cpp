/*
 * virtual_uaf.cpp - a thread makes a virtual call through an object that the
 * main thread deletes concurrently (C++, for the C++ shape of TSan frames:
 * demangled signatures with spaces, "operator delete", const methods).
 *
 * Expected: two "heap-use-after-free" reports: "(virtual call vs free)" on the
 * vtable pointer, and a plain one on the field the virtual method reads.
 */
#include <cstdio>
#include <pthread.h>
#include <unistd.h>

struct Shape {
    virtual ~Shape() {}
    virtual int area() const
    {
        return 0;
    }
};

struct Square : Shape {
    int side = 3;
    int area() const override
    {
        return side * side;
    }
};

static Shape *shape;

static void *reader(void *)
{
    usleep(10000);
    return reinterpret_cast<void *>(static_cast<long>(shape->area()));
}

int main()
{
    shape = new Square;
    pthread_t t;
    pthread_create(&t, nullptr, reader, nullptr);
    delete shape;
    pthread_join(t, nullptr);
    std::puts("done");
    return 0;
}
