/* noop: exits 0. Built static, it stands in for ldconfig (which the CLI requires to be
 * statically linked) when the bench times configure without the ldconfig step. */
int main(void)
{
        return 0;
}
